/* cd-adjustment.h: a supervisor's adjustment of a signed-off day, asked for where a write was refused. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-clerk-store.h"
#include "cd-context.h"

G_BEGIN_DECLS

/* TRUE when @error is the refusal of a write to a signed-off day (CD_STATE_ERROR_DAY_SIGNED). */
gboolean   cd_adjustment_is_refusal (const GError *error);

/* Shows a supervisor's prompt (login, password, reason of a few words) for a change the day lock refused:
 * @refusal is that error's message (it names the day), @description says the change in one line. On Approve
 * the password is checked by the core and @func runs through cd_report_signoff_adjust, so that it is audited
 * as an "adjustment" and appears on the day's report; a wrong password, a missing reason or a failing @func
 * leave the prompt open with the reason and change nothing; Cancel changes nothing. The prompt (a
 * CdAuthDialog, shown, named "adjustment_dialog") emits "authorized" once the change is made; @destroy frees
 * @user_data when it closes. */
GtkWidget *cd_adjustment_prompt     (GtkWindow *parent, CdContext *ctx, const char *refusal, const char *description,
                                     CdActAsFunc func, gpointer user_data, GDestroyNotify destroy);

G_END_DECLS
