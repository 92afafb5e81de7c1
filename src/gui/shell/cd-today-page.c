/* cd-today-page.c: the list comes from cd_application_store_search(); voiding needs a supervisor, and on a
 * signed-off day a supervisor's adjustment (cd-adjustment.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-adjustment.h"
#include "cd-application-store.h"
#include "cd-auth-dialog.h"
#include "cd-gui-util.h"
#include "cd-today-page.h"
#include "cd-wizard-steps.h"

struct _CdTodayPage {
  GtkBox          parent_instance;

  GtkSearchEntry *search_entry;
  GtkToggleButton *all_check;
  GtkButton      *open_button;
  GtkButton      *void_button;
  GtkTreeView    *view;
  GtkListStore   *store;
  GtkLabel       *status_label;

  CdContext      *ctx;
};

G_DEFINE_FINAL_TYPE (CdTodayPage, cd_today_page, GTK_TYPE_BOX)

enum {
  COL_ID,
  COL_NUMBER,
  COL_NAME,
  COL_PROFILE,
  COL_BUSINESS,
  COL_STATE,
  COL_STEP,
  COL_FEE,
  COL_OPEN,
};

enum {
  OPEN_APPLICATION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
selected (CdTodayPage *self, gint64 *out_id, gboolean *out_open)
{
  GtkTreeModel *model;
  GtkTreeIter iter;

  if (!gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->view), &model, &iter))
    return FALSE;
  gtk_tree_model_get (model, &iter, COL_ID, out_id, COL_OPEN, out_open, -1);
  return TRUE;
}

/* callbacks */

static void
on_selection_changed_cb (CdTodayPage *self)
{
  gint64 id = 0;
  gboolean open = FALSE;
  gboolean any = selected (self, &id, &open);

  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), any);
  gtk_widget_set_sensitive (GTK_WIDGET (self->void_button), any && open);
}

static void
on_search_changed_cb (CdTodayPage *self)
{
  cd_today_page_refresh (self);
}

static void
on_open_clicked_cb (CdTodayPage *self)
{
  gint64 id;
  gboolean open;

  if (selected (self, &id, &open))
    g_signal_emit (self, signals[OPEN_APPLICATION], 0, id);
}

static void
on_row_activated_cb (CdTodayPage *self)
{
  on_open_clicked_cb (self);
}

/* One void, from the supervisor's approval to, when its day is signed off, the adjustment. */
typedef struct {
  CdTodayPage *self;
  gint64       id;
  char        *number;
  char        *reason;
  char        *refusal;    /* the day lock's message when the void was refused by it */
} VoidRequest;

static void
void_request_free (VoidRequest *req)
{
  g_object_unref (req->self);
  g_free (req->number);
  g_free (req->reason);
  g_free (req->refusal);
  g_free (req);
}

static gboolean
void_action (CdContext *ctx, const char *reason, gpointer user_data, GError **error)
{
  VoidRequest *req = user_data;
  g_autoptr(GError) local = NULL;

  if (cd_application_store_void (ctx, req->id, reason, &local))
    return TRUE;
  /* A signed-off day: nothing was written; the approval dialog closes and the adjustment prompt takes over. */
  if (cd_adjustment_is_refusal (local))
    {
      g_free (req->refusal);
      g_free (req->reason);
      req->refusal = g_strdup (local->message);
      req->reason = g_strdup (reason);
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
void_adjusted (CdContext *ctx, gpointer user_data, GError **error)
{
  VoidRequest *req = user_data;

  return cd_application_store_void (ctx, req->id, req->reason, error);
}

static void
on_void_authorized_cb (CdAuthDialog *dialog, VoidRequest *req)
{
  CdTodayPage *self = req->self;
  VoidRequest *again;
  g_autofree char *description = NULL;
  GtkWidget *prompt;

  if (!req->refusal)
    {
      cd_today_page_refresh (self);
      return;
    }
  again = g_new0 (VoidRequest, 1);
  again->self = g_object_ref (self);
  again->id = req->id;
  again->number = g_strdup (req->number);
  again->reason = g_strdup (req->reason);
  description = g_strdup_printf (_("Void application %s (reason: %s)."), req->number, req->reason);
  prompt = cd_adjustment_prompt (GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))), self->ctx, req->refusal,
                                 description, void_adjusted, again, (GDestroyNotify) void_request_free);
  g_signal_connect_object (prompt, "authorized", G_CALLBACK (cd_today_page_refresh), self, G_CONNECT_SWAPPED);
}

static void
on_void_clicked_cb (CdTodayPage *self)
{
  GtkTreeModel *model;
  GtkTreeIter iter;
  gboolean open = FALSE;
  GtkWidget *dialog;
  VoidRequest *req;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!gtk_tree_selection_get_selected (gtk_tree_view_get_selection (self->view), &model, &iter))
    return;
  req = g_new0 (VoidRequest, 1);
  req->self = g_object_ref (self);
  gtk_tree_model_get (model, &iter, COL_ID, &req->id, COL_NUMBER, &req->number, COL_NAME, &name,
                      COL_OPEN, &open, -1);
  if (!open)
    {
      void_request_free (req);
      return;
    }
  /* the supervisor approves at the clerk's screen: the dialog says which application, the list may be behind it,
   * and, when it is paid for, that the fee becomes a refund to hand back (the day's report counts it so) */
  {
    g_autoptr(CdApplication) app = NULL;
    g_autoptr(CdApplicationInfo) info = NULL;

    /* the state, not has_payment alone: an imported draft can carry the payment it is about to make */
    if (cd_application_store_load (self->ctx, req->id, &app, &info, NULL) && info->state >= CD_STATE_PAID
        && app->payment.has_payment && app->payment.amount_fen > 0)
      {
        g_autofree char *yuan = cd_fen_to_yuan_string (app->payment.amount_fen);

        message = g_strdup_printf (_("A supervisor voids application %s (%s). Its fee of ¥%s paid by %s is recorded "
                                     "as refunded: hand it back to the applicant. The reason is kept in the audit "
                                     "log."),
                                   req->number, name ? name : "", yuan,
                                   cd_payment_method_label (app->payment.method));
      }
    else
      message = g_strdup_printf (_("A supervisor voids application %s (%s). The reason is kept in the audit log."),
                                 req->number, name ? name : "");
  }
  dialog = cd_auth_dialog_new (GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))), self->ctx,
                               _("Void an Application"), message, TRUE,
                               void_action, req, (GDestroyNotify) void_request_free);
  g_signal_connect (dialog, "authorized", G_CALLBACK (on_void_authorized_cb), req);
  gtk_widget_show (dialog);
}

static void
cd_today_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (cd_today_page_parent_class)->map (widget);
  cd_today_page_refresh (CD_TODAY_PAGE (widget));
}

static void
cd_today_page_finalize (GObject *object)
{
  g_clear_object (&CD_TODAY_PAGE (object)->ctx);
  G_OBJECT_CLASS (cd_today_page_parent_class)->finalize (object);
}

static void
cd_today_page_class_init (CdTodayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cd_today_page_finalize;
  widget_class->map = cd_today_page_map;
  signals[OPEN_APPLICATION] = g_signal_new ("open-application", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-today-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, all_check);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, void_button);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, view);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, store);
  gtk_widget_class_bind_template_child (widget_class, CdTodayPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_void_clicked_cb);
}

static void
cd_today_page_init (CdTodayPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CdTodayPage *
cd_today_page_new (CdContext *ctx)
{
  CdTodayPage *self = g_object_new (CD_TYPE_TODAY_PAGE, NULL);

  self->ctx = g_object_ref (ctx);
  return self;
}

void
cd_today_page_refresh (CdTodayPage *self)
{
  const char *query = gtk_entry_get_text (GTK_ENTRY (self->search_entry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *status = NULL;

  if (!self->ctx)
    return;
  gtk_list_store_clear (self->store);
  rows = cd_application_store_search (self->ctx, *query ? query : NULL,
                                      !gtk_toggle_button_get_active (self->all_check), &error);
  if (!rows)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      CdApplicationInfo *info = rows->pdata[i];
      CdProfile *profile = cd_context_lookup_profile (self->ctx, info->profile, NULL);
      CdBusiness business = CD_BUSINESS_NEW;
      g_autofree char *fee = info->fee_total_fen >= 0 ? cd_fen_to_yuan_string (info->fee_total_fen) : g_strdup ("");
      gboolean open = !cd_state_is_final (info->state);

      cd_business_from_code (info->business, &business);
      gtk_list_store_insert_with_values (self->store, NULL, -1,
                                         COL_ID, info->id,
                                         COL_NUMBER, info->number,
                                         COL_NAME, *info->name ? info->name : _("(no name yet)"),
                                         COL_PROFILE, profile ? cd_profile_display_name (profile) : info->profile,
                                         COL_BUSINESS, cd_business_label (business),
                                         COL_STATE, cd_gui_state_label (business, info->state),
                                         /* the step it opens at: once paid, the state says (the saved step
                                          * stops at the fee) */
                                         COL_STEP, info->state == CD_STATE_VOIDED ? "—"
                                                   : cd_gui_step_label (cd_wizard_step_to_resume (business, info->state,
                                                                                                  info->step)),
                                         COL_FEE, fee,
                                         COL_OPEN, open,
                                         -1);
    }
  status = g_strdup_printf (g_dngettext (NULL, "%u application", "%u applications", rows->len), rows->len);
  gtk_label_set_text (self->status_label, status);
  on_selection_changed_cb (self);
}
