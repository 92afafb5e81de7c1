/* cd-adjustment.c: the adjustment prompt is a CdAuthDialog whose action re-runs the refused write as the
 * authorised supervisor's adjustment (cd-report-signoff.h), so the lock, the role check and the audit stay in
 * the core. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-adjustment.h"
#include "cd-auth-dialog.h"
#include "cd-report-signoff.h"
#include "cd-state.h"

typedef struct {
  CdActAsFunc    func;
  gpointer       user_data;
  GDestroyNotify destroy;
} Prompt;

static void
prompt_free (Prompt *p)
{
  if (p->destroy)
    p->destroy (p->user_data);
  g_free (p);
}

/* The auth dialog runs this as the supervisor it has just authorised. */
static gboolean
adjust_action (CdContext *ctx, const char *reason, gpointer data, GError **error)
{
  Prompt *p = data;
  g_autoptr(CdClerk) supervisor = cd_clerk_store_lookup (ctx, cd_context_get_clerk_id (ctx), error);

  if (!supervisor)
    return FALSE;
  return cd_report_signoff_adjust (ctx, supervisor, reason, p->func, p->user_data, error);
}

gboolean
cd_adjustment_is_refusal (const GError *error)
{
  return g_error_matches (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED);
}

GtkWidget *
cd_adjustment_prompt (GtkWindow *parent, CdContext *ctx, const char *refusal, const char *description,
                      CdActAsFunc func, gpointer user_data, GDestroyNotify destroy)
{
  Prompt *p = g_new0 (Prompt, 1);
  g_autofree char *message = NULL;
  GtkWidget *dialog;

  g_return_val_if_fail (CD_IS_CONTEXT (ctx) && func != NULL, NULL);
  p->func = func;
  p->user_data = user_data;
  p->destroy = destroy;
  message = g_strdup_printf (_("%s\n\n%s\n\nA supervisor approves this change with a reason of a few words; "
                               "the report shows it as an adjustment after sign-off."),
                             refusal ? refusal : _("The day is signed off."), description);
  dialog = cd_auth_dialog_new (parent, ctx, _("Adjust a Signed-off Day"), message, TRUE, adjust_action, p,
                               (GDestroyNotify) prompt_free);
  gtk_widget_set_name (dialog, "adjustment_dialog");
  gtk_widget_show (dialog);
  return dialog;
}
