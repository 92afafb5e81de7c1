/* cd-reports-page-private.h: the reports page's state, shared by its files (cd-reports-page.c: the report
 * and sign-off; cd-reports-page-figures.c: the figures and the lists behind them; cd-reports-page-dates.c: the
 * typed or picked day and range;
 * cd-reports-page-export.c: the CSV and the PDF rendered off the main thread). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-report-chart.h"
#include "cd-report-signoff.h"
#include "cd-reports-page.h"

G_BEGIN_DECLS

/* The outlet combo's id of 全部网点 in the head office's mode (an outlet's code is [A-Za-z0-9_-]). */
#define CD_REPORTS_ALL_OUTLETS "*"

/* The columns of figures_store. */
enum { FIG_SECTION, FIG_ITEM, FIG_VALUE, FIG_KIND, FIG_KEY };

struct _CdReportsPage {
  GtkBox            parent_instance;

  GtkEntry         *from_entry;
  GtkEntry         *to_entry;
  GtkToggleButton  *range_check;
  GtkMenuButton    *from_pick;
  GtkMenuButton    *to_pick;
  GtkWidget        *to_box;
  GtkPopover       *from_popover;
  GtkPopover       *to_popover;
  GtkCalendar      *from_calendar;
  GtkCalendar      *to_calendar;
  GtkSpinner       *export_spinner;
  GtkLabel         *export_label;
  GtkComboBoxText  *outlet_combo;
  GtkComboBoxText  *clerk_combo;
  GtkSpinner       *spinner;
  GtkLabel         *status_label;
  GtkLabel         *error_label;
  GtkEntry         *counted_entry;
  GtkButton        *sign_button;
  GtkButton        *csv_button;
  GtkButton        *pdf_button;
  GtkTreeView      *figures_view;
  GtkListStore     *figures_store;
  GtkTreeView      *detail_view;
  GtkListStore     *detail_store;
  GtkLabel         *detail_label;
  CdReportChart    *chart;

  CdContext        *ctx;
  JsonNode         *report;
  CdSignoff        *signoff;
  GCancellable     *cancellable;
  GCancellable     *export_cancellable;   /* the PDF export running, if any */
  gboolean          filters_loaded;
  gboolean          syncing_calendars;    /* the page itself moves the calendars: not the user's pick */
  gboolean          from_month_moved;     /* the user browses months: keep the popover open */
  gboolean          to_month_moved;
  gboolean          central;              /* the head office's mode: every outlet, from the central database */
  char             *central_url;          /* its URL; NULL: the one this counter joined */
  gboolean          central_outlets_loaded;
  JsonNode         *central_all;          /* the head office's mode: every outlet's report of the period shown */
};

/* cd-reports-page.c */
/* The period and filters shown (owned strings in @q). */
void  cd_reports_page_read_query      (CdReportsPage *self, CdReportQuery *q);
/* The sign-off line and the buttons' sensitivity. */
void  cd_reports_page_update_signoff  (CdReportsPage *self);

/* cd-reports-page-figures.c */
/* An amount in fen as the page shows it, "¥" and yuan (owned). */
char *cd_reports_page_yuan          (gint64 fen);
/* Fills the figures' table from the report shown. */
void  cd_reports_page_show_figures  (CdReportsPage *self);
/* Binds the figure selection's template callback. */
void  cd_reports_page_figures_class_init (GtkWidgetClass *widget_class);

/* cd-reports-page-dates.c */
/* The complaint about a typed day (naming the field and the form), or NULL when the days are dates. */
char *cd_reports_page_check_days      (CdReportsPage *self);
/* Binds the calendars' and shortcuts' template callbacks. */
void  cd_reports_page_dates_class_init (GtkWidgetClass *widget_class);

/* cd-reports-page-export.c */
void  cd_reports_page_export_class_init (GtkWidgetClass *widget_class);

G_END_DECLS
