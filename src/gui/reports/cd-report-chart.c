/* cd-report-chart.c: stacked bars drawn with cairo, one per day, a legend of the business types. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-report-chart.h"
#include "cd-types.h"

struct _CdReportChart {
  GtkDrawingArea parent_instance;

  JsonNode      *chart;
};

G_DEFINE_FINAL_TYPE (CdReportChart, cd_report_chart_widget, GTK_TYPE_DRAWING_AREA)

/* Colours that stay apart in print and for common colour blindness (Okabe–Ito). */
static const double palette[][3] = {
  { 0.00, 0.45, 0.70 }, { 0.90, 0.62, 0.00 }, { 0.00, 0.62, 0.45 }, { 0.80, 0.47, 0.65 },
  { 0.34, 0.71, 0.91 }, { 0.84, 0.37, 0.00 }, { 0.94, 0.89, 0.26 }, { 0.40, 0.40, 0.40 },
};

static gint64
day_total (JsonObject *day)
{
  JsonObject *counts = json_object_get_object_member (day, "counts");
  g_autoptr(GList) members = json_object_get_members (counts);
  gint64 total = 0;

  for (GList *l = members; l; l = l->next)
    total += json_object_get_int_member (counts, l->data);
  return total;
}

static void
text_at (cairo_t *cr, PangoLayout *layout, double x, double y, const char *text, double align)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y);
  pango_cairo_show_layout (cr, layout);
}

#define LEGEND_ROW 18   /* px from one legend row to the next */
#define LEGEND_END 4    /* px kept free at the right edge */

static const char *
legend_label (const char *code)
{
  CdBusiness bus;

  return cd_business_from_code (code, &bus) ? cd_business_label (bus) : code;
}

/* How many rows the legend needs in @width. */
static guint
legend_rows (PangoLayout *layout, JsonArray *businesses, double left, int width)
{
  double x = left;
  guint rows = 1;

  for (guint b = 0; b < json_array_get_length (businesses); b++)
    {
      int w, h;

      pango_layout_set_text (layout, legend_label (json_array_get_string_element (businesses, b)), -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      if (x > left && x + 14 + w > width - LEGEND_END)
        {
          x = left;
          rows++;
        }
      x += 14 + w + 12;
    }
  return rows;
}

static gboolean
cd_report_chart_draw (GtkWidget *widget, cairo_t *cr)
{
  CdReportChart *self = CD_REPORT_CHART (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  int width = gtk_widget_get_allocated_width (widget), height = gtk_widget_get_allocated_height (widget);
  double left = 36, right = 12, top = 30, bottom = 22, plot_w, plot_h, bar_w, lx, ly;
  JsonArray *days, *businesses;
  gint64 max = 1;
  GdkRGBA fg;
  guint n;

  gtk_render_background (style, cr, 0, 0, width, height);
  gtk_style_context_get_color (style, gtk_style_context_get_state (style), &fg);
  if (!self->chart)
    return FALSE;
  days = json_object_get_array_member (json_node_get_object (self->chart), "days");
  businesses = json_object_get_array_member (json_node_get_object (self->chart), "businesses");
  n = json_array_get_length (days);
  if (n == 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    max = MAX (max, day_total (json_array_get_object_element (days, i)));
  /* The legend takes as many rows as the width needs (a long business name must not run off the right edge):
   * the plot starts below its last row. */
  top += LEGEND_ROW * (legend_rows (layout, businesses, left, width) - 1);
  plot_w = width - left - right;
  plot_h = height - top - bottom;
  bar_w = plot_w / n;

  /* Axis and the scale's top. */
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, left - 0.5, top);
  cairo_line_to (cr, left - 0.5, top + plot_h + 0.5);
  cairo_line_to (cr, left + plot_w, top + plot_h + 0.5);
  cairo_stroke (cr);
  {
    g_autofree char *top_label = g_strdup_printf ("%" G_GINT64_FORMAT, max);
    text_at (cr, layout, left - 4, top - 8, top_label, 1.0);
    text_at (cr, layout, left - 4, top + plot_h - 8, "0", 1.0);
  }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      JsonObject *counts = json_object_get_object_member (day, "counts");
      double y = top + plot_h;

      for (guint b = 0; b < json_array_get_length (businesses); b++)
        {
          const char *code = json_array_get_string_element (businesses, b);
          gint64 c = json_object_has_member (counts, code) ? json_object_get_int_member (counts, code) : 0;
          double h = plot_h * c / max;

          if (c == 0)
            continue;
          cairo_set_source_rgb (cr, palette[b % G_N_ELEMENTS (palette)][0], palette[b % G_N_ELEMENTS (palette)][1],
                                palette[b % G_N_ELEMENTS (palette)][2]);
          cairo_rectangle (cr, left + i * bar_w + bar_w * 0.15, y - h, bar_w * 0.7, h);
          cairo_fill (cr);
          y -= h;
        }
      /* Every fifth day and the last one are labelled (MM-DD). */
      if (i % 5 == 0 || i == n - 1)
        {
          gdk_cairo_set_source_rgba (cr, &fg);
          text_at (cr, layout, left + i * bar_w + bar_w / 2, top + plot_h + 3,
                   json_object_get_string_member (day, "day") + 5, 0.5);
        }
    }
  /* The legend along the top, wrapped as legend_rows() counts it. */
  lx = left;
  ly = 8;
  for (guint b = 0; b < json_array_get_length (businesses); b++)
    {
      const char *label = legend_label (json_array_get_string_element (businesses, b));
      int w, h;

      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      if (lx > left && lx + 14 + w > width - LEGEND_END)
        {
          lx = left;
          ly += LEGEND_ROW;
        }
      cairo_set_source_rgb (cr, palette[b % G_N_ELEMENTS (palette)][0], palette[b % G_N_ELEMENTS (palette)][1],
                            palette[b % G_N_ELEMENTS (palette)][2]);
      cairo_rectangle (cr, lx, ly, 10, 10);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, lx + 14, ly + 5 - h / 2.0);
      pango_cairo_show_layout (cr, layout);
      lx += 14 + w + 12;
    }
  return FALSE;
}

static void
cd_report_chart_finalize (GObject *object)
{
  g_clear_pointer (&CD_REPORT_CHART (object)->chart, json_node_unref);
  G_OBJECT_CLASS (cd_report_chart_widget_parent_class)->finalize (object);
}

static void
cd_report_chart_widget_class_init (CdReportChartClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_report_chart_finalize;
  GTK_WIDGET_CLASS (klass)->draw = cd_report_chart_draw;
}

static void
cd_report_chart_widget_init (CdReportChart *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), 480, 190);
}

GtkWidget *
cd_report_chart_widget_new (void)
{
  return g_object_new (CD_TYPE_REPORT_CHART, NULL);
}

void
cd_report_chart_widget_set_data (CdReportChart *self, JsonNode *chart)
{
  g_clear_pointer (&self->chart, json_node_unref);
  self->chart = chart ? json_node_ref (chart) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
cd_report_chart_widget_get_total (CdReportChart *self, const char *day)
{
  JsonArray *days;

  if (!self->chart)
    return -1;
  days = json_object_get_array_member (json_node_get_object (self->chart), "days");
  for (guint i = 0; i < json_array_get_length (days); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (days, i), "day"), day))
      return day_total (json_array_get_object_element (days, i));
  return -1;
}
