/* cd-reports-page.c: the report is built off the main thread (GTask); the page shows it, draws the chart,
 * lists what is behind a figure, and lets a supervisor sign the day off. The period is chosen in
 * cd-reports-page-dates.c, the figures and the lists behind them are in cd-reports-page-figures.c, the exports
 * are in cd-reports-page-export.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-auth-dialog.h"
#include "cd-clerk-store.h"
#include "cd-gui-util.h"
#include "cd-reports-page-private.h"
#include "cd-worker.h"
#ifdef CD_GUI_HAVE_CENTRAL
#include "cd-central.h"
#include "cd-central-report.h"
#endif

G_DEFINE_FINAL_TYPE (CdReportsPage, cd_reports_page, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  CdReportQuery query;
  JsonNode     *report;
  JsonNode     *chart;
  CdSignoff    *signoff;
  gboolean      central;       /* the head office's mode: @report is every outlet's (cd_central_report_build) */
  char         *central_url;
} Job;

static void
job_free (Job *job)
{
  g_free (job->query.from);
  g_free (job->query.to);
  g_clear_pointer (&job->report, json_node_unref);
  g_clear_pointer (&job->chart, json_node_unref);
  g_clear_pointer (&job->signoff, cd_signoff_free);
  g_free (job->central_url);
  g_free (job);
}

void
cd_reports_page_read_query (CdReportsPage *self, CdReportQuery *q)
{
  const char *from = gtk_entry_get_text (self->from_entry);
  const char *to = gtk_toggle_button_get_active (self->range_check) ? gtk_entry_get_text (self->to_entry) : "";
  const char *outlet = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->outlet_combo));
  const char *clerk = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->clerk_combo));

  q->from = g_strstrip (g_strdup (from));
  q->to = *to ? g_strstrip (g_strdup (to)) : g_strdup (q->from);
  /* In the head office's mode the outlet is a code (the page picks it from the central report) and the report
   * is every clerk's. */
  q->outlet_id = outlet && !self->central ? g_ascii_strtoll (outlet, NULL, 10) : 0;
  q->clerk_id = clerk && !self->central ? g_ascii_strtoll (clerk, NULL, 10) : 0;
}

static void
load_filters (CdReportsPage *self)
{
  g_autoptr(CdOutlet) outlet = cd_clerk_store_get_outlet (self->ctx, NULL);
  g_autoptr(GPtrArray) clerks = cd_clerk_store_list (self->ctx, NULL);

  gtk_combo_box_text_append (self->outlet_combo, "0", _("All outlets"));
  if (outlet)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, outlet->id);
      gtk_combo_box_text_append (self->outlet_combo, id, outlet->name);
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->outlet_combo), id);
    }
  else
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->outlet_combo), "0");
  gtk_combo_box_text_append (self->clerk_combo, "0", _("All clerks"));
  for (guint i = 0; clerks && i < clerks->len; i++)
    {
      CdClerk *c = clerks->pdata[i];
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, c->id);
      g_autofree char *label = g_strdup_printf ("%s (%s)", c->name, c->login);
      gtk_combo_box_text_append (self->clerk_combo, id, label);
    }
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->clerk_combo), "0");
  self->filters_loaded = TRUE;
}

void
cd_reports_page_update_signoff (CdReportsPage *self)
{
  CdReportQuery q = { 0 };
  gint64 counted = -1;
  gboolean one_day;
  g_autofree char *expected = NULL;

  cd_reports_page_read_query (self, &q);
  one_day = g_strcmp0 (q.from, q.to) == 0 && q.outlet_id > 0 && !self->central;
  expected = self->report ? cd_reports_page_yuan (json_object_get_int_member (json_node_get_object (self->report),
                                                                             "cash_expected_fen"))
                          : g_strdup ("");
  if (self->signoff)
    {
      g_autofree char *c = cd_reports_page_yuan (self->signoff->counted_cash_fen);
      g_autofree char *e = cd_reports_page_yuan (self->signoff->cash_expected_fen);
      g_autofree char *d = cd_report_difference_text (cd_signoff_difference_fen (self->signoff));
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 (self->signoff->signed_at, NULL);
      g_autoptr(GDateTime) local = at ? g_date_time_to_local (at) : NULL;
      g_autofree char *when = local ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_autofree char *text = g_strdup_printf (_("Signed off by %s at %s: cash counted %s, expected %s, %s"),
                                               self->signoff->supervisor, when, c, e, d);
      if (self->signoff->reason)
        {
          g_autofree char *with = g_strdup_printf (_("%s (reason: %s)"), text, self->signoff->reason);
          gtk_label_set_text (self->status_label, with);
        }
      else
        gtk_label_set_text (self->status_label, text);
    }
  else if (one_day)
    {
      g_autofree char *text = NULL;
      if (cd_gui_parse_yuan (gtk_entry_get_text (self->counted_entry), &counted) && self->report)
        {
          g_autofree char *diff = cd_report_difference_text (counted - json_object_get_int_member (
                                                                json_node_get_object (self->report), "cash_expected_fen"));
          text = g_strdup_printf (_("Not signed off. Cash expected %s, %s"), expected, diff);
        }
      else
        text = g_strdup_printf (_("Not signed off. Cash expected %s"), expected);
      gtk_label_set_text (self->status_label, text);
    }
  else if (!self->central)
    gtk_label_set_text (self->status_label, _("Choose one day and one outlet to sign off"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->counted_entry), one_day && !self->signoff);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_button), one_day && !self->signoff && self->report
                            && cd_gui_parse_yuan (gtk_entry_get_text (self->counted_entry), &counted) && counted >= 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->csv_button), self->report != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pdf_button), self->report != NULL && !self->export_cancellable);
  g_free (q.from);
  g_free (q.to);
}

static void
build_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  cd_worker_yield_to_ui ();
  CdReportsPage *self = source;
  Job *job = task_data;
  GError *error = NULL;

  if (job->central)
    {
#ifdef CD_GUI_HAVE_CENTRAL
      CdCentralReportQuery q = { job->query.from, job->query.to, NULL, job->central_url };

      /* Every outlet at once: the combo then picks an outlet's part without asking the database again. */
      if (!(job->report = cd_central_report_build (self->ctx, &q, &error)))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
#else
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("This CertDesk was built without the central database, so it cannot show every "
                                 "outlet's report"));
#endif
      return;
    }
  if (!(job->report = cd_report_build (self->ctx, &job->query, &error))
      || !(job->chart = cd_report_chart (self->ctx, job->query.to, 30, job->query.outlet_id, &error))
      || (job->query.outlet_id > 0 && g_str_equal (job->query.from, job->query.to)
          && !cd_report_signoff_lookup (self->ctx, job->query.outlet_id, job->query.from, &job->signoff, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* The head office's mode: fills the outlet combo from the central report (once: 全部网点 and each outlet the
 * login reads) and returns the report of the outlet chosen, or the total. */
static JsonNode *
central_part (CdReportsPage *self, JsonNode *all)
{
  JsonObject *r = json_node_get_object (all);
  JsonArray *outlets = json_object_get_array_member (r, "outlets");
  const char *chosen = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->outlet_combo));
  JsonNode *part = NULL;

  if (!self->central_outlets_loaded)
    {
      g_signal_handlers_block_matched (self->outlet_combo, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      gtk_combo_box_text_remove_all (self->outlet_combo);
      gtk_combo_box_text_append (self->outlet_combo, CD_REPORTS_ALL_OUTLETS, _("All outlets"));
      for (guint i = 0; i < json_array_get_length (outlets); i++)
        {
          JsonObject *o = json_array_get_object_element (outlets, i);
          gtk_combo_box_text_append (self->outlet_combo, json_object_get_string_member (o, "code"),
                                     json_object_get_string_member (o, "name"));
        }
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->outlet_combo), CD_REPORTS_ALL_OUTLETS);
      g_signal_handlers_unblock_matched (self->outlet_combo, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
      self->central_outlets_loaded = TRUE;
      chosen = CD_REPORTS_ALL_OUTLETS;
    }
  for (guint i = 0; chosen && i < json_array_get_length (outlets); i++)
    {
      JsonObject *o = json_array_get_object_element (outlets, i);
      if (g_strcmp0 (json_object_get_string_member (o, "code"), chosen) == 0)
        {
          part = json_node_new (JSON_NODE_OBJECT);
          json_node_set_object (part, o);
        }
    }
  return part ? part : json_node_ref (all);
}

static void
on_built_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  CdReportsPage *self;
  Job *job;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = CD_REPORTS_PAGE (source);
      gtk_spinner_stop (self->spinner);
      g_clear_pointer (&self->central_all, json_node_unref);   /* an outlet chosen now must not show old figures */
#ifdef CD_GUI_HAVE_CENTRAL
      /* Offline: a sentence, not libpq's socket details (they stay in the debug log). */
      if (g_error_matches (error, CD_CENTRAL_ERROR, CD_CENTRAL_ERROR_CONNECT))
        {
          g_debug ("central report: %s", error->message);
          g_clear_pointer (&self->report, json_node_unref);
          gtk_list_store_clear (self->figures_store);
          cd_gui_show_error (self->error_label,
                             _("The central database cannot be reached now, so the outlets' reports cannot be "
                               "shown. Check this computer's network connection and try again with Show."));
          cd_reports_page_update_signoff (self);
          return;
        }
#endif
      cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      return;
    }
  self = CD_REPORTS_PAGE (source);
  job = g_task_get_task_data (G_TASK (result));
  gtk_spinner_stop (self->spinner);
  cd_gui_show_error (self->error_label, NULL);
  g_clear_pointer (&self->report, json_node_unref);
  g_clear_pointer (&self->signoff, cd_signoff_free);
  if (job->central)
    {
      g_clear_pointer (&self->central_all, json_node_unref);
      self->central_all = json_node_ref (job->report);
      self->report = central_part (self, job->report);
      cd_reports_page_show_figures (self);
      cd_reports_page_update_signoff (self);
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  self->report = g_steal_pointer (&job->report);
  self->signoff = g_steal_pointer (&job->signoff);
  cd_report_chart_widget_set_data (self->chart, job->chart);
  cd_reports_page_show_figures (self);
  cd_reports_page_update_signoff (self);
  g_signal_emit (self, signals[LOADED], 0);
}

/* callbacks */

static void
on_refresh_cb (CdReportsPage *self, GtkWidget *sender)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  /* Filling the filters at construction emits "changed": the first report waits until the page is shown. */
  if (!self->filters_loaded)
    return;
  /* The head office's mode holds every outlet's report of the period shown: choosing an outlet picks its part
   * without asking the central database again (Show and a new period do). */
  if (self->central && self->central_all && sender == GTK_WIDGET (self->outlet_combo))
    {
      JsonObject *all = json_node_get_object (self->central_all);
      CdReportQuery q = { 0 };
      gboolean same;

      cd_reports_page_read_query (self, &q);
      same = g_strcmp0 (q.from, json_object_get_string_member (all, "from")) == 0
             && g_strcmp0 (q.to, json_object_get_string_member (all, "to")) == 0;
      g_free (q.from);
      g_free (q.to);
      if (same)
        {
          g_clear_pointer (&self->report, json_node_unref);
          self->report = central_part (self, self->central_all);
          cd_reports_page_show_figures (self);
          cd_reports_page_update_signoff (self);
          g_signal_emit (self, signals[LOADED], 0);
          return;
        }
    }
  {
    g_autofree char *bad = cd_reports_page_check_days (self);
    if (bad)
      {
        /* A report still being built for the dates before would, arriving, clear this message and show
         * figures for a day the field no longer says. */
        g_cancellable_cancel (self->cancellable);
        gtk_spinner_stop (self->spinner);
        cd_gui_show_error (self->error_label, bad);
        return;
      }
  }
  job = g_new0 (Job, 1);
  cd_reports_page_read_query (self, &job->query);
  if (!cd_report_check_query (&job->query, &error))
    {
      g_cancellable_cancel (self->cancellable);   /* as above */
      gtk_spinner_stop (self->spinner);
      cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      job_free (job);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  task = g_task_new (self, self->cancellable, on_built_cb, NULL);
  g_task_set_source_tag (task, on_refresh_cb);
  job->central = self->central;
  job->central_url = g_strdup (self->central_url);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, build_thread);
}

static void
on_counted_changed_cb (CdReportsPage *self)
{
  cd_reports_page_update_signoff (self);
}

static gboolean
sign_action (CdContext *ctx, const char *reason, gpointer data, GError **error)
{
  CdReportsPage *self = data;
  g_autoptr(CdClerk) supervisor = cd_clerk_store_lookup (ctx, cd_context_get_clerk_id (ctx), error);
  CdReportQuery q = { 0 };
  gint64 counted = 0;
  gboolean ok;

  if (!supervisor)
    return FALSE;
  if (!cd_gui_parse_yuan (gtk_entry_get_text (self->counted_entry), &counted))
    {
      g_set_error (error, CD_CLERK_ERROR, CD_CLERK_ERROR_INVALID, _("The cash counted is not an amount in yuan"));
      return FALSE;
    }
  cd_reports_page_read_query (self, &q);
  ok = cd_report_signoff_sign (ctx, supervisor, q.outlet_id, q.from, counted, reason, NULL, error);
  g_free (q.from);
  g_free (q.to);
  return ok;
}

static void
on_sign_clicked_cb (CdReportsPage *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  g_autofree char *message = NULL;
  g_autofree char *needed = NULL;
  g_autoptr(GError) error = NULL;
  CdReportQuery q = { 0 };
  gint64 counted = 0;
  GtkWidget *dialog;

  /* A cash difference or applications left open: the supervisor explains them in the same dialog. */
  cd_reports_page_read_query (self, &q);
  if (cd_gui_parse_yuan (gtk_entry_get_text (self->counted_entry), &counted))
    needed = cd_report_signoff_reason_needed (self->ctx, q.outlet_id, q.from, counted, &error);
  g_free (q.from);
  g_free (q.to);
  if (error)
    {
      cd_gui_show_error (self->error_label, cd_gui_error_text (error));
      return;
    }
  if (needed)
    message = g_strdup_printf (_("Sign off %s with the cash counted (¥%s)? %s: write down why. The day's records are "
                                 "then locked: later changes need a supervisor and a reason."),
                               gtk_entry_get_text (self->from_entry), gtk_entry_get_text (self->counted_entry), needed);
  else
    message = g_strdup_printf (_("Sign off %s with the cash counted (¥%s)? The day's records are then locked: later "
                                 "changes need a supervisor and a reason."),
                               gtk_entry_get_text (self->from_entry), gtk_entry_get_text (self->counted_entry));
  dialog = cd_auth_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx,
                               _("Sign off the day"), message, needed != NULL, sign_action, g_object_ref (self),
                               g_object_unref);
  gtk_widget_set_name (dialog, "signoff_dialog");
  g_signal_connect_object (dialog, "authorized", G_CALLBACK (cd_reports_page_refresh), self, G_CONNECT_SWAPPED);
  gtk_widget_show (dialog);
}

static void
on_map_cb (CdReportsPage *self)
{
  if (!self->report)
    cd_reports_page_refresh (self);
}

/* vfuncs */

static void
cd_reports_page_constructed (GObject *object)
{
  CdReportsPage *self = CD_REPORTS_PAGE (object);
  g_autofree char *today = cd_store_today (cd_context_get_store (self->ctx));

  G_OBJECT_CLASS (cd_reports_page_parent_class)->constructed (object);
  gtk_entry_set_text (self->from_entry, today);
  gtk_entry_set_text (self->to_entry, today);
  load_filters (self);
  cd_reports_page_update_signoff (self);
}

static void
cd_reports_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CdReportsPage *self = CD_REPORTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->ctx = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_reports_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CdReportsPage *self = CD_REPORTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->ctx);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_reports_page_dispose (GObject *object)
{
  CdReportsPage *self = CD_REPORTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  G_OBJECT_CLASS (cd_reports_page_parent_class)->dispose (object);
}

static void
cd_reports_page_finalize (GObject *object)
{
  CdReportsPage *self = CD_REPORTS_PAGE (object);

  g_clear_pointer (&self->report, json_node_unref);
  g_clear_pointer (&self->signoff, cd_signoff_free);
  g_clear_object (&self->ctx);
  g_free (self->central_url);
  g_clear_pointer (&self->central_all, json_node_unref);
  G_OBJECT_CLASS (cd_reports_page_parent_class)->finalize (object);
}

static void
cd_reports_page_class_init (CdReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cd_reports_page_constructed;
  object_class->set_property = cd_reports_page_set_property;
  object_class->get_property = cd_reports_page_get_property;
  object_class->dispose = cd_reports_page_dispose;
  object_class->finalize = cd_reports_page_finalize;
  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);

  g_type_ensure (CD_TYPE_REPORT_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-reports-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdReportsPage, name)
  BIND (from_entry); BIND (to_entry); BIND (range_check); BIND (from_pick); BIND (to_pick); BIND (to_box); BIND (from_popover);
  BIND (to_popover); BIND (from_calendar); BIND (to_calendar); BIND (export_spinner); BIND (export_label);
  BIND (outlet_combo); BIND (clerk_combo); BIND (spinner); BIND (status_label);
  BIND (error_label); BIND (counted_entry); BIND (sign_button); BIND (csv_button); BIND (pdf_button);
  BIND (figures_view); BIND (figures_store); BIND (detail_view); BIND (detail_store); BIND (detail_label);
  BIND (chart);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_counted_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_map_cb);
  cd_reports_page_dates_class_init (widget_class);
  cd_reports_page_figures_class_init (widget_class);
  cd_reports_page_export_class_init (widget_class);
}

static void
cd_reports_page_init (CdReportsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* public API */

CdReportsPage *
cd_reports_page_new (CdContext *ctx)
{
  return g_object_new (CD_TYPE_REPORTS_PAGE, "context", ctx, NULL);
}

void
cd_reports_page_set_period (CdReportsPage *self, const char *from, const char *to)
{
  gboolean range = to && g_strcmp0 (to, from) != 0;

  gtk_entry_set_text (self->from_entry, from);
  gtk_entry_set_text (self->to_entry, to ? to : from);
  if (range != gtk_toggle_button_get_active (self->range_check))
    gtk_toggle_button_set_active (self->range_check, range);   /* refreshes */
  else
    cd_reports_page_refresh (self);
}

void
cd_reports_page_refresh (CdReportsPage *self)
{
  on_refresh_cb (self, NULL);
}

JsonNode *
cd_reports_page_get_report (CdReportsPage *self)
{
  return self->report;
}

void
cd_reports_page_set_central (CdReportsPage *self, const char *url)
{
  GtkWidget *signoff_row = gtk_widget_get_parent (GTK_WIDGET (self->counted_entry));

  g_return_if_fail (CD_IS_REPORTS_PAGE (self));
  self->central = TRUE;
  g_free (self->central_url);
  self->central_url = g_strdup (url);
  self->central_outlets_loaded = FALSE;
  g_clear_pointer (&self->central_all, json_node_unref);
  g_clear_pointer (&self->report, json_node_unref);
  g_clear_pointer (&self->signoff, cd_signoff_free);
  /* The clerks, the chart, the lists behind a figure, the sign-off and the CSV of every application are the
   * outlets' own (the CSV of every outlet: certdesk-cli report --central --format csv). */
  g_signal_handlers_block_matched (self->outlet_combo, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_combo_box_text_remove_all (self->outlet_combo);
  gtk_combo_box_text_append (self->outlet_combo, CD_REPORTS_ALL_OUTLETS, _("All outlets"));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->outlet_combo), CD_REPORTS_ALL_OUTLETS);
  g_signal_handlers_unblock_matched (self->outlet_combo, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_hide (GTK_WIDGET (self->clerk_combo));
  gtk_widget_hide (GTK_WIDGET (self->csv_button));
  gtk_widget_hide (signoff_row);
  /* The chart and its heading (the label before it in the same box); the detail's label stays, it explains. */
  gtk_widget_hide (GTK_WIDGET (self->chart));
  {
    g_autoptr(GList) kids = gtk_container_get_children (GTK_CONTAINER (gtk_widget_get_parent (GTK_WIDGET (self->chart))));
    if (kids && kids->data != (gpointer) self->chart)
      gtk_widget_hide (kids->data);
  }
  /* The list behind a figure stays empty here: without it the figures take the page's width (at 1366×768 an
   * empty table took half of it and cut the voided applications' lines off), and the sentence saying where
   * the applications are listed wraps in a narrow column beside them. */
  {
    GtkWidget *detail_box = gtk_widget_get_parent (GTK_WIDGET (self->detail_label));
    GtkWidget *paned = gtk_widget_get_parent (detail_box);

    gtk_widget_hide (gtk_widget_get_parent (GTK_WIDGET (self->detail_view)));
    gtk_label_set_ellipsize (self->detail_label, PANGO_ELLIPSIZE_NONE);
    gtk_label_set_line_wrap (self->detail_label, TRUE);
    gtk_label_set_width_chars (self->detail_label, 16);
    gtk_label_set_max_width_chars (self->detail_label, 16);
    gtk_widget_set_margin_start (detail_box, 6);   /* off the divider; the chart's legend needs the width */
    /* room enough here: a figure's line is wrapped only where the page ends */
    {
      g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (gtk_tree_view_get_column (self->figures_view, 1)));
      g_object_set (cells->data, "wrap-width", -1, NULL);
    }
    gtk_container_child_set (GTK_CONTAINER (paned), detail_box, "shrink", FALSE, NULL);
    gtk_paned_set_position (GTK_PANED (paned), G_MAXINT / 2);   /* clamped to leave the sentence its width */
  }
  gtk_list_store_clear (self->figures_store);
  gtk_list_store_clear (self->detail_store);
  cd_reports_page_update_signoff (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    cd_reports_page_refresh (self);
}

gboolean
cd_reports_page_is_central (CdReportsPage *self)
{
  g_return_val_if_fail (CD_IS_REPORTS_PAGE (self), FALSE);
  return self->central;
}
