/* cd-seals-page-form-draw.c: the collection form's drawing: the form with its boxes numbered and coloured by
 * verdict, and the chosen sample on white and on a checkerboard (its transparency shows). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-seals-page-form-private.h"

static void
draw_sample (cairo_t *cr, cairo_surface_t *sample, int width, int height)
{
  int pw = cairo_image_surface_get_width (sample), ph = cairo_image_surface_get_height (sample);
  double s = MIN ((width - 8.0) / pw, (height - 8.0) / ph);

  cairo_save (cr);
  cairo_translate (cr, (width - pw * s) / 2, (height - ph * s) / 2);
  cairo_scale (cr, s, s);
  cairo_set_source_surface (cr, sample, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
}

static gboolean
on_preview_white_draw_cb (CdSealsPageForm *self, cairo_t *cr, GtkWidget *area)
{
  int w = gtk_widget_get_allocated_width (area), h = gtk_widget_get_allocated_height (area);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, 0.5, 0.5, w - 1, h - 1);
  cairo_stroke (cr);
  if (self->chosen_surface)
    draw_sample (cr, self->chosen_surface, w, h);
  return FALSE;
}

static gboolean
on_preview_checker_draw_cb (CdSealsPageForm *self, cairo_t *cr, GtkWidget *area)
{
  int w = gtk_widget_get_allocated_width (area), h = gtk_widget_get_allocated_height (area);

  static cairo_pattern_t *checker;

  /* One 20×20 tile of four squares, repeated: a fill per square would cost a frame on a large preview. */
  if (!checker)
    {
      cairo_surface_t *tile = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 20, 20);
      cairo_t *t = cairo_create (tile);

      cairo_set_source_rgb (t, 0.85, 0.85, 0.85);
      cairo_paint (t);
      cairo_set_source_rgb (t, 0.62, 0.62, 0.62);
      cairo_rectangle (t, 10, 0, 10, 10);
      cairo_rectangle (t, 0, 10, 10, 10);
      cairo_fill (t);
      cairo_destroy (t);
      checker = cairo_pattern_create_for_surface (tile);
      cairo_pattern_set_extend (checker, CAIRO_EXTEND_REPEAT);
      cairo_pattern_set_filter (checker, CAIRO_FILTER_NEAREST);
      cairo_surface_destroy (tile);
    }
  cairo_set_source (cr, checker);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
  if (self->chosen_surface)
    draw_sample (cr, self->chosen_surface, w, h);
  return FALSE;
}

static gboolean
on_form_draw_cb (CdSealsPageForm *self, cairo_t *cr)
{
  if (!self->form || !self->result)
    return FALSE;
  gdk_cairo_set_source_pixbuf (cr, self->form, 0, 0);
  cairo_paint (cr);
  for (guint i = 0; i < self->result->cells->len; i++)
    {
      CdSealCell *c = self->result->cells->pdata[i];
      double s = self->form_scale;
      g_autofree char *n = g_strdup_printf ("%u", c->index);

      if (c->index == self->chosen)
        cairo_set_source_rgb (cr, 0.1, 0.4, 0.9);
      else if (cd_seals_page_form_cell_ok (c))
        cairo_set_source_rgb (cr, 0.1, 0.6, 0.2);
      else
        cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
      cairo_set_line_width (cr, c->index == self->chosen ? 3 : 2);
      cairo_rectangle (cr, c->box[0] * s, c->box[1] * s, c->box[2] * s, c->box[3] * s);
      cairo_stroke (cr);
      cairo_move_to (cr, c->box[0] * s + 3, c->box[1] * s + 13);
      cairo_set_font_size (cr, 12);
      cairo_show_text (cr, n);
    }
  return FALSE;
}

void
cd_seals_page_form_draw_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_form_draw_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_white_draw_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_checker_draw_cb);
}
