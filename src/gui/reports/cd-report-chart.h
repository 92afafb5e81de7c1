/* cd-report-chart.h: the reports page's bar chart: applications per day, stacked by business type (cairo). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define CD_TYPE_REPORT_CHART (cd_report_chart_widget_get_type ())
G_DECLARE_FINAL_TYPE (CdReportChart, cd_report_chart_widget, CD, REPORT_CHART, GtkDrawingArea)

GtkWidget *cd_report_chart_widget_new      (void);
/* @chart: cd_report_chart()'s JSON, or NULL to clear. */
void       cd_report_chart_widget_set_data (CdReportChart *self, JsonNode *chart);
/* The total of the bar of @day (for tests), -1 when the day is not shown. */
gint64     cd_report_chart_widget_get_total (CdReportChart *self, const char *day);

G_END_DECLS
