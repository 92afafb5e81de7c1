/* cd-seals-page-form-private.h: the collection form widget's state, shared by its files (cd-seals-page-form.c:
 * loading, extracting, choosing and storing; cd-seals-page-form-draw.c: the drawing; cd-seals-page-form-stored.c:
 * the sample chosen earlier). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-seal-extract.h"
#include "cd-seals-page-form.h"

G_BEGIN_DECLS

struct _CdSealsPageForm {
  GtkBox         parent_instance;

  CdDraft       *draft;
  char          *kind;
  gboolean       editable;
  GCancellable  *cancellable;
  gboolean       busy;
  char          *message;

  /* the current form */
  CdSealResult  *result;
  GdkPixbuf     *form;          /* scaled for display */
  double         form_scale;    /* display pixels per result pixel */
  GPtrArray     *cells;         /* GdkPixbuf (full size, RGBA) or NULL per cell */
  GPtrArray     *pngs;          /* GBytes or NULL per cell */
  char          *form_name;
  GBytes        *form_bytes;
  guint          chosen;
  GdkPixbuf     *chosen_pixbuf; /* what the previews show (also a choice stored earlier) */
  cairo_surface_t *chosen_surface; /* the same, converted once for drawing */

  GtkLabel        *title_label;
  GtkButton       *load_button;
  GtkButton       *scan_button;
  GtkSpinner      *spinner;
  GtkLabel        *status_label;
  GtkBox          *result_box;
  GtkDrawingArea  *form_area;
  GtkBox          *samples_box;
  GtkLabel        *form_flags_label;
  GtkLabel        *preview_label;
  GtkDrawingArea  *preview_white;
  GtkDrawingArea  *preview_checker;
  GtkLabel        *message_label;
};

/* cd-seals-page-form.c */
/* The sample's verdict lets the clerk choose it. */
gboolean cd_seals_page_form_cell_ok      (const CdSealCell *c);
/* The previews show @pixbuf (NULL: none) with @text under them. */
void     cd_seals_page_form_show_preview (CdSealsPageForm *self, GdkPixbuf *pixbuf, const char *text);
/* What is shown under the form (NULL: nothing). */
void     cd_seals_page_form_set_message  (CdSealsPageForm *self, const char *message);

/* cd-seals-page-form-draw.c: binds the drawing areas' template callbacks. */
void     cd_seals_page_form_draw_class_init (GtkWidgetClass *widget_class);

/* cd-seals-page-form-stored.c: reads the stored sample at @path in a worker and shows it. */
void     cd_seals_page_form_load_stored  (CdSealsPageForm *self, const char *path);

G_END_DECLS
