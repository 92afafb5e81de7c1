/* cd-materials-page.c: wizard step 3. One row per material of cd_checklist_build(); complete when
 * cd_application_missing_materials() is empty. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-auth-dialog.h"
#include "cd-gui-util.h"
#include "cd-materials-page.h"
#include "cd-page-common.h"
#include "cd-scan-strip.h"

struct _CdMaterialsPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel   *intro_label;
  GtkListBox *list;

  /* Rows are kept while the checklist stays the same (entering the step again only refreshes the ticks),
   * and built a few per main-loop turn so that no step switch holds the window up for more than a frame. */
  char       *built_key;   /* what the rows show: checklist, waivers, draft */
  GPtrArray  *pending;     /* CdMaterial still to add (borrowed from the profile) */
  guint       build_id;
  GPtrArray  *ticks;       /* the check buttons, for refreshing them in place */
  /* What the clerk may change only while the application is editable: tick boxes and scan strips of the rows
   * not waived. Payment makes it read-only; the rows stay and only these change (rebuilding every row at the
   * moment of payment held the window up for two frames). */
  GPtrArray  *editables;
  gboolean    shown_editable;
};

static void cd_materials_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdMaterialsPage, cd_materials_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_materials_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdMaterialsPage, cd_materials_page)

typedef enum { TICK_ORIGINAL, TICK_COPY, TICK_STAMPED } Tick;

static void rebuild (CdMaterialsPage *self);

static void
update_complete (CdMaterialsPage *self)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);
  g_autoptr(GPtrArray) missing = NULL;
  g_autofree char *reason = NULL;

  if (!profile)
    {
      cd_page_set_complete (self, FALSE, _("Choose the project or CA first"));
      return;
    }
  missing = cd_application_missing_materials (cd_draft_get_app (self->draft), profile, FALSE);
  if (missing->len == 0)
    {
      cd_page_set_complete (self, TRUE, NULL);
      return;
    }
  if (missing->len == 1)
    reason = g_strdup_printf (_("Missing: %s"), (const char *) missing->pdata[0]);
  else
    /* the count is of every missing material, the one named included ("缺少：X 等 3 项" is three in all) */
    reason = g_strdup_printf (g_dngettext (NULL, "Missing: %s (%u materials in all)", "Missing: %s (%u materials in all)",
                                           missing->len),
                              (const char *) missing->pdata[0], missing->len);
  cd_page_set_complete (self, FALSE, reason);
}

/* callbacks */

static void
on_tick_toggled_cb (GtkToggleButton *button, CdMaterialsPage *self)
{
  const char *code = g_object_get_data (G_OBJECT (button), "code");
  Tick tick = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tick"));
  CdMaterialMark *mark;
  gboolean on = gtk_toggle_button_get_active (button);

  if (self->loading)
    return;
  mark = cd_application_get_material (cd_draft_get_app (self->draft), code, TRUE);
  if (tick == TICK_ORIGINAL)
    mark->original_seen = on;
  else if (tick == TICK_COPY)
    mark->copy = on;
  else
    mark->stamped = on;
  update_complete (self);
  cd_draft_changed (self->draft);
}

typedef struct {
  gint64  id;
  char   *code;
} WaiveData;

static void
waive_data_free (gpointer data)
{
  WaiveData *w = data;

  g_free (w->code);
  g_free (w);
}

static gboolean
waive_action (CdContext *ctx, const char *reason, gpointer user_data, GError **error)
{
  WaiveData *w = user_data;

  return cd_application_store_waive (ctx, w->id, w->code, reason, error);
}

static void
on_waived_cb (CdMaterialsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!cd_draft_reload (self->draft, &error))
    g_warning ("Reloading the application failed: %s", error->message);
}

static void
on_waive_clicked_cb (GtkButton *button, CdMaterialsPage *self)
{
  const char *code = g_object_get_data (G_OBJECT (button), "code");
  const char *label = g_object_get_data (G_OBJECT (button), "label");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  WaiveData *w;
  GtkWidget *dialog;

  /* The waiver is recorded against the stored application. */
  if (!cd_draft_flush (self->draft, &error) || cd_draft_get_id (self->draft) == 0)
    {
      g_warning ("Cannot waive before the application is stored: %s", error ? error->message : "no id");
      return;
    }
  w = g_new0 (WaiveData, 1);
  w->id = cd_draft_get_id (self->draft);
  w->code = g_strdup (code);
  message = g_strdup_printf (_("A supervisor waives “%s” for this application. Give the reason."), label);
  dialog = cd_auth_dialog_new (GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))), self->ctx,
                               _("Waive a Material"), message, TRUE, waive_action, w, waive_data_free);
  g_signal_connect_object (dialog, "authorized", G_CALLBACK (on_waived_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_show (dialog);
}

static GtkWidget *
add_tick (CdMaterialsPage *self, GtkBox *box, const char *label, const char *code, Tick tick, gboolean active)
{
  GtkWidget *check = gtk_check_button_new_with_mnemonic (label);
  static const char *const names[] = { "original", "copy", "stamped" };
  g_autofree char *name = g_strdup_printf ("%s_%s", names[tick], code);

  gtk_widget_set_name (check, name);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), active);
  g_object_set_data_full (G_OBJECT (check), "code", g_strdup (code), g_free);
  g_object_set_data (G_OBJECT (check), "tick", GUINT_TO_POINTER (tick));
  g_signal_connect (check, "toggled", G_CALLBACK (on_tick_toggled_cb), self);
  gtk_box_pack_start (box, check, FALSE, FALSE, 0);
  g_ptr_array_add (self->ticks, check);
  return check;
}

static void
add_row (CdMaterialsPage *self, const CdMaterial *m, CdMaterialMark *mark, gboolean editable)
{
  GtkWidget *row = cd_gui_frame_row_new ();
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *ticks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name, *detail;
  g_autofree char *markup = NULL;
  g_autofree char *describe = cd_material_describe (m);
  const char *note = cd_localized (m->note, m->note_zh);
  g_autofree char *detail_text = NULL;
  gboolean waived = mark && mark->waived;

  g_object_set (hbox, "margin", 8, NULL);
  markup = g_markup_printf_escaped ("<b>%s</b>%s", cd_localized (m->label, m->label_zh),
                                    m->required ? "" : _(" (if applicable)"));
  name = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (name), markup);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_line_wrap (GTK_LABEL (name), TRUE);
  detail_text = note && *note ? g_strdup_printf ("%s · %s", describe, note) : g_strdup (describe);
  if (waived)
    {
      g_free (detail_text);
      detail_text = g_strdup_printf (_("Waived by a supervisor: %s"), mark->waiver_reason ? mark->waiver_reason : "");
    }
  detail = gtk_label_new (detail_text);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_line_wrap (GTK_LABEL (detail), TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (detail), "dim-label");
  gtk_box_pack_start (GTK_BOX (text), name, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (text), detail, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (hbox), text, TRUE, TRUE, 0);

  if (m->original)
    add_tick (self, GTK_BOX (ticks), _("_Original seen"), m->code, TICK_ORIGINAL, mark && mark->original_seen);
  if (m->copy)
    add_tick (self, GTK_BOX (ticks), _("Co_py received"), m->code, TICK_COPY, mark && mark->copy);
  if (m->copy && m->stamped)
    add_tick (self, GTK_BOX (ticks), _("S_tamped"), m->code, TICK_STAMPED, mark && mark->stamped);
  if (m->required && !waived)
    {
      GtkWidget *waive = gtk_button_new_with_mnemonic (_("_Waive…"));
      g_autofree char *wname = g_strdup_printf ("waive_%s", m->code);

      gtk_widget_set_name (waive, wname);
      gtk_widget_set_tooltip_text (waive, _("A supervisor can waive a missing material with a reason"));
      g_object_set_data_full (G_OBJECT (waive), "code", g_strdup (m->code), g_free);
      g_object_set_data_full (G_OBJECT (waive), "label", g_strdup (cd_localized (m->label, m->label_zh)), g_free);
      g_signal_connect (waive, "clicked", G_CALLBACK (on_waive_clicked_cb), self);
      gtk_box_pack_start (GTK_BOX (ticks), waive, FALSE, FALSE, 0);
    }
  gtk_widget_set_sensitive (ticks, editable && !waived);
  if (!waived)
    g_ptr_array_add (self->editables, ticks);
  gtk_widget_set_valign (ticks, GTK_ALIGN_CENTER);
  gtk_box_pack_end (GTK_BOX (hbox), ticks, FALSE, FALSE, 0);
  if (m->scan)
    {
      /* Scans of the material: thumbnails, files, drag and drop, the scanner (cd-scan-strip.c). */
      GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *strip = cd_scan_strip_new (self->draft, m->code, editable && !waived);

      if (!waived)
        g_ptr_array_add (self->editables, strip);

      g_object_set (strip, "margin-start", 8, "margin-end", 8, "margin-bottom", 8, NULL);
      gtk_box_pack_start (GTK_BOX (outer), hbox, FALSE, FALSE, 0);
      gtk_box_pack_start (GTK_BOX (outer), strip, FALSE, FALSE, 0);
      hbox = outer;
    }
  gtk_container_add (GTK_CONTAINER (row), hbox);
  gtk_widget_show_all (row);
  gtk_container_add (GTK_CONTAINER (self->list), row);
}

/* A row per material costs a few milliseconds (labels, ticks, a scan strip from its template): add them for
 * up to this long per main-loop turn, then let the window draw. The turn also lays out and draws the page with
 * the rows added, so half a frame for building keeps the whole turn inside one (gui-step-switch: applicant →
 * materials 7.7–14.3 ms of main-thread CPU with 6 ms, 4.5–4.8 ms with 3 ms). */
#define BUILD_BUDGET_US 3000

static gboolean
on_build_idle_cb (gpointer data)
{
  CdMaterialsPage *self = data;
  CdApplication *app = cd_draft_get_app (self->draft);
  gint64 start = g_get_monotonic_time ();
  gboolean editable = cd_draft_is_editable (self->draft);

  self->loading = TRUE;
  while (self->pending->len > 0)
    {
      const CdMaterial *m = g_ptr_array_steal_index (self->pending, 0);

      add_row (self, m, g_hash_table_lookup (app->materials, m->code), editable);
      if (g_get_monotonic_time () - start > BUILD_BUDGET_US)
        break;
    }
  self->loading = FALSE;
  if (self->pending->len > 0)
    return G_SOURCE_CONTINUE;
  self->build_id = 0;
  cd_page_focus_if_lost (self);
  return G_SOURCE_REMOVE;
}

/* What the rows depend on; equal keys mean the rows on screen can stay. */
static char *
rows_key (CdMaterialsPage *self, GPtrArray *list)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  GString *key = g_string_new (NULL);

  g_string_append_printf (key, "%" G_GINT64_FORMAT "|%s|", cd_draft_get_id (self->draft),
                          app->profile ? app->profile : "");
  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      CdMaterialMark *mark = g_hash_table_lookup (app->materials, m->code);

      g_string_append_printf (key, "%s:%d%d%d%d%d%d;", m->code, m->required, m->original, m->copy, m->stamped,
                              m->scan, mark && mark->waived);
    }
  return g_string_free (key, FALSE);
}

/* The rows built follow the application's editability. */
static void
apply_editable (CdMaterialsPage *self, gboolean editable)
{
  if (editable == self->shown_editable)
    return;
  self->shown_editable = editable;
  for (guint i = 0; i < self->editables->len; i++)
    {
      GtkWidget *w = self->editables->pdata[i];

      if (CD_IS_SCAN_STRIP (w))
        cd_scan_strip_set_editable (CD_SCAN_STRIP (w), editable);
      else
        gtk_widget_set_sensitive (w, editable);
    }
}

/* The ticks follow the draft's marks (a scan attached or removed elsewhere changes them). */
static void
refresh_ticks (CdMaterialsPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);

  apply_editable (self, cd_draft_is_editable (self->draft));

  self->loading = TRUE;
  for (guint i = 0; i < self->ticks->len; i++)
    {
      GtkToggleButton *check = self->ticks->pdata[i];
      CdMaterialMark *mark = g_hash_table_lookup (app->materials, g_object_get_data (G_OBJECT (check), "code"));
      Tick tick = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "tick"));
      gboolean on = mark && (tick == TICK_ORIGINAL ? mark->original_seen : tick == TICK_COPY ? mark->copy
                                                                                            : mark->stamped);

      gtk_toggle_button_set_active (check, on);
    }
  self->loading = FALSE;
}

static void
rebuild (CdMaterialsPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  gboolean synced = FALSE;

  if (profile && !(list = cd_checklist_build (profile, app->business, app->applicant_type, &opts, &error)))
    gtk_label_set_text (self->intro_label, error->message);
  /* The marks follow the scan store: a scan deleted or added elsewhere shows in the checklist. */
  for (guint i = 0; list && i < list->len; i++)
    if (((const CdMaterial *) list->pdata[i])->scan)
      synced |= cd_scan_strip_sync_mark (self->ctx, app, cd_draft_get_id (self->draft),
                                         ((const CdMaterial *) list->pdata[i])->code, NULL);
  key = rows_key (self, list);
  if (g_strcmp0 (key, self->built_key) == 0)
    refresh_ticks (self);
  else
    {
      g_clear_handle_id (&self->build_id, g_source_remove);
      g_ptr_array_set_size (self->ticks, 0);
      g_ptr_array_set_size (self->editables, 0);
      /* the rows still to build read it themselves */
      self->shown_editable = cd_draft_is_editable (self->draft);
      cd_gui_container_clear (GTK_CONTAINER (self->list));
      g_ptr_array_set_size (self->pending, 0);
      for (guint i = 0; list && i < list->len; i++)
        g_ptr_array_add (self->pending, list->pdata[i]);
      g_free (self->built_key);
      self->built_key = g_steal_pointer (&key);
      /* below the redraw priority, so each chunk of rows is drawn before the next is built */
      self->build_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_build_idle_cb, self, NULL);
    }
  if (synced)
    cd_draft_changed (self->draft);
  update_complete (self);
}

/* vfuncs */

static void
on_draft_loaded_cb (CdMaterialsPage *self)
{
  rebuild (self);
}

static void
cd_materials_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdMaterialsPage *self = CD_MATERIALS_PAGE (page);

  cd_page_take_draft_when_shown (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "changed", G_CALLBACK (update_complete), self, G_CONNECT_SWAPPED);
  rebuild (self);
}

static void
cd_materials_page_enter (CdWizardPage *page)
{
  rebuild (CD_MATERIALS_PAGE (page));
}

static void
cd_materials_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_materials_page_set_draft;
  iface->enter = cd_materials_page_enter;
}

static void
cd_materials_page_dispose (GObject *object)
{
  CdMaterialsPage *self = CD_MATERIALS_PAGE (object);

  g_clear_handle_id (&self->build_id, g_source_remove);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->ticks, g_ptr_array_unref);
  g_clear_pointer (&self->editables, g_ptr_array_unref);
  g_clear_pointer (&self->built_key, g_free);
  cd_materials_page_release (self);
  G_OBJECT_CLASS (cd_materials_page_parent_class)->dispose (object);
}

static void
cd_materials_page_class_init (CdMaterialsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_materials_page_get_property;
  object_class->set_property = cd_materials_page_set_property;
  object_class->dispose = cd_materials_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-materials-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdMaterialsPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, CdMaterialsPage, list);
}

static void
cd_materials_page_init (CdMaterialsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pending = g_ptr_array_new ();
  self->ticks = g_ptr_array_new ();
  self->editables = g_ptr_array_new ();
}
