/* cd-wizard.c: the acceptance wizard frame. Pages are CdWizardPage implementations listed in
 * cd-wizard-steps.c; Next follows the current page's `complete`, the reason line its `reason`. The keyboard
 * focus across steps is cd-wizard-focus.c; parking, the next applicant and the resume offer cd-wizard-leave.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-adjustment.h"
#include "cd-application-store.h"
#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-placeholder-page.h"
#include "cd-preflight.h"
#include "cd-wizard-page.h"
#include "cd-wizard-steps.h"
#include "cd-wizard-private.h"

G_DEFINE_FINAL_TYPE (CdWizard, cd_wizard, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static gboolean
step_visible (CdWizard *self, guint i)
{
  return cd_wizard_step_applies (&self->steps[i], cd_draft_get_app (self->draft)->business);
}

static gboolean
page_complete (CdWizard *self, guint i)
{
  return cd_wizard_page_get_complete (CD_WIZARD_PAGE (self->pages[i]));
}

/* A step can be opened when every visible step before it is complete. */
static gboolean
step_reachable (CdWizard *self, guint i)
{
  for (guint j = 0; j < i; j++)
    if (step_visible (self, j) && !page_complete (self, j))
      return FALSE;
  return TRUE;
}

/* The pre-flight's first error that keeps the clerk on the current step: one of this step's, or, while the
 * application can still be edited, one of an earlier step's (the clerk goes back to it). The day lock is not
 * one: the step's own action asks for the supervisor's approval when it is refused (cd-adjustment.h). */
static const CdPreflightFault *
blocking_fault (CdWizard *self, CdPreflightStep *out_step)
{
  CdPreflightStep here;

  if (!self->faults || !cd_preflight_step_from_code (self->steps[self->current].id, &here))
    return NULL;
  for (guint i = 0; i < self->faults->len; i++)
    {
      const CdPreflightFault *f = self->faults->pdata[i];

      if (f->severity != CD_PREFLIGHT_FAULT_ERROR || g_strcmp0 (f->rule, "day-lock") == 0)
        continue;
      if (f->step == here || (f->step < here && cd_draft_is_editable (self->draft)))
        {
          *out_step = f->step;
          return f;
        }
    }
  return NULL;
}

/* Evaluates the pre-flight up to the current step and hands the page the faults it can fix. */
static void
run_preflight (CdWizard *self)
{
  CdWizardPage *page = CD_WIZARD_PAGE (self->pages[self->current]);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CdPreflightStep here;

  g_clear_pointer (&self->faults, g_ptr_array_unref);
  if (cd_draft_get_profile (self->draft) && cd_preflight_step_from_code (self->steps[self->current].id, &here)
      && !cd_preflight_run (self->ctx, cd_draft_get_app (self->draft), cd_draft_get_id (self->draft), here,
                            &self->faults, &error))
    g_warning ("The pre-flight could not run: %s", error->message);
  for (guint i = 0; self->faults && i < self->faults->len; i++)
    if (((CdPreflightFault *) self->faults->pdata[i])->step == here)
      g_ptr_array_add (mine, self->faults->pdata[i]);
  cd_wizard_page_show_faults (page, mine);
}

static void
update_bar (CdWizard *self)
{
  CdWizardPage *page = CD_WIZARD_PAGE (self->pages[self->current]);
  gboolean complete = cd_wizard_page_get_complete (page);
  g_autofree char *reason = cd_wizard_page_dup_reason (page);
  CdPreflightStep fault_step = CD_PREFLIGHT_N_STEPS;
  const CdPreflightFault *fault = blocking_fault (self, &fault_step);
  gboolean last = g_str_equal (self->steps[self->current].id, "done");
  GtkStyleContext *sc = gtk_widget_get_style_context (GTK_WIDGET (self->reason_label));

  /* A signed-off day is said before anything is tried: the step's action then asks for the supervisor. */
  if (!complete && !fault && self->faults)
    {
      CdPreflightStep here;

      for (guint i = 0; i < self->faults->len && cd_preflight_step_from_code (self->steps[self->current].id, &here);
           i++)
        {
          const CdPreflightFault *f = self->faults->pdata[i];

          if (g_strcmp0 (f->rule, "day-lock") == 0 && f->step == here)
            {
              g_free (reason);
              reason = g_strdup (f->message);
              break;
            }
        }
    }
  if (fault && complete)
    {
      CdPreflightStep here = fault_step;

      complete = FALSE;
      g_free (reason);
      cd_preflight_step_from_code (self->steps[self->current].id, &here);
      /* TRANSLATORS: the step to go back to, and what is wrong there */
      reason = fault_step == here ? g_strdup (fault->message)
                                  : g_strdup_printf (_("Back at the step “%s”: %s"),
                                                     cd_gui_step_label (cd_preflight_step_to_code (fault_step)),
                                                     fault->message);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), complete);
  /* only a stored application that is not finished can be set aside */
  gtk_widget_set_sensitive (GTK_WIDGET (self->park_button), cd_draft_get_id (self->draft) > 0 && !last
                                                            && !cd_state_is_final (cd_draft_get_state (self->draft)));
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), self->current > 0 && !last);
  /* GtkButton makes a new label for each label set: only on a change */
  if (g_strcmp0 (gtk_button_get_label (self->next_button), last ? _("Next _applicant") : _("_Next")) != 0)
    gtk_button_set_label (self->next_button, last ? _("Next _applicant") : _("_Next"));
  if (self->error_text)
    {
      cd_gui_label_set_text (self->reason_label, self->error_text);
      gtk_style_context_add_class (sc, "error");
    }
  else
    {
      cd_gui_label_set_text (self->reason_label, complete ? "" : (reason ? reason : ""));
      gtk_style_context_remove_class (sc, "error");
    }
  {
    g_autofree char *tip = gtk_widget_get_tooltip_text (GTK_WIDGET (self->reason_label));

    if (g_strcmp0 (tip ? tip : "", gtk_label_get_text (self->reason_label)) != 0)
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->reason_label), gtk_label_get_text (self->reason_label));
  }
}

static void
update_rows (CdWizard *self)
{
  for (guint i = 0; i < self->n_steps; i++)
    {
      gboolean visible = step_visible (self, i);
      gboolean reachable = step_reachable (self, i);
      const char *mark;
      g_autofree char *markup = NULL;
      GtkStyleContext *sc = gtk_widget_get_style_context (self->rows[i]);

      gtk_widget_set_visible (self->rows[i], visible);
      gtk_widget_set_sensitive (self->rows[i], reachable);
      if (i == self->current)
        mark = "▶";
      else if (reachable && page_complete (self, i) && i < self->current)
        mark = "✔";
      else if (!reachable)
        mark = "·";
      else
        mark = "○";
      markup = g_markup_printf_escaped ("%s  %s", mark, _(self->steps[i].title));
      /* refreshed on every change of the draft: the same markup set again would have the list measured again */
      if (g_strcmp0 (gtk_label_get_label (self->row_labels[i]), markup) != 0)
        gtk_label_set_markup (self->row_labels[i], markup);
      if (i == self->current)
        gtk_style_context_add_class (sc, "cd-step-current");
      else
        gtk_style_context_remove_class (sc, "cd-step-current");
    }
}

static void
refresh (CdWizard *self)
{
  update_rows (self);
  update_bar (self);
  cd_wizard_queue_refocus (self);
}

void
cd_wizard_set_error (CdWizard *self, const char *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  update_bar (self);
}

static void
show_step (CdWizard *self, guint i)
{
  GtkWidget *page = self->pages[i];
  g_autoptr(GError) error = NULL;

  if (self->current != i)
    cd_wizard_leave_focus (self, self->current);
  self->current = i;
  g_clear_pointer (&self->error_text, g_free);
  gtk_stack_set_visible_child (self->page_stack, page);
  gtk_label_set_text (self->title_label, _(self->steps[i].title));
  cd_wizard_page_enter (CD_WIZARD_PAGE (page));
  if (!cd_draft_set_step (self->draft, self->steps[i].id, &error))
    cd_wizard_set_error (self, error->message);
  run_preflight (self);
  refresh (self);
  cd_wizard_focus_page (self, i);
}

static guint
find_step (CdWizard *self, const char *id)
{
  for (guint i = 0; i < self->n_steps; i++)
    if (g_strcmp0 (self->steps[i].id, id) == 0)
      return i;
  return 0;
}

/* callbacks */

static void
on_page_notify_cb (CdWizard *self)
{
  refresh (self);
}

static void
on_draft_changed_cb (CdWizard *self)
{
  g_clear_pointer (&self->error_text, g_free);
  gtk_label_set_text (self->saved_label, "");
  run_preflight (self);
  refresh (self);
}

static void
on_draft_save_failed_cb (CdWizard *self, const char *message)
{
  cd_wizard_set_error (self, message);
}

static void
on_draft_notify_state_cb (CdWizard *self)
{
  run_preflight (self);
  refresh (self);
}

static void
on_step_row_activated_cb (CdWizard *self, GtkListBoxRow *row)
{
  guint i = gtk_list_box_row_get_index (row);

  if (i < self->n_steps && step_visible (self, i) && step_reachable (self, i) && i != self->current)
    show_step (self, i);
}

static void
on_next_clicked_cb (CdWizard *self)
{
  cd_wizard_next (self);
}

static void
on_back_clicked_cb (CdWizard *self)
{
  cd_wizard_back (self);
}

static void
on_park_clicked_cb (CdWizard *self)
{
  cd_wizard_park (self);
}

static void
on_new_clicked_cb (CdWizard *self)
{
  cd_wizard_next_applicant (self);
}

static void
on_resume_response_cb (CdWizard *self, int response)
{
  g_autoptr(GError) error = NULL;
  gint64 id = self->resume_id;

  self->resume_id = 0;
  gtk_widget_hide (GTK_WIDGET (self->resume_bar));
  if (response == 1 && id > 0 && !cd_wizard_open (self, id, &error))
    cd_wizard_set_error (self, error->message);
}

/* vfuncs */

static gboolean
cd_wizard_key_press_event (GtkWidget *widget, GdkEventKey *event)
{
  CdWizard *self = CD_WIZARD (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (mods == GDK_MOD1_MASK && (event->keyval == GDK_KEY_Left || event->keyval == GDK_KEY_KP_Left))
    return cd_wizard_back (self), TRUE;
  if (mods == GDK_MOD1_MASK && (event->keyval == GDK_KEY_Right || event->keyval == GDK_KEY_KP_Right))
    return cd_wizard_next (self), TRUE;
  return GTK_WIDGET_CLASS (cd_wizard_parent_class)->key_press_event (widget, event);
}

static void
cd_wizard_map (GtkWidget *widget)
{
  CdWizard *self = CD_WIZARD (widget);
  GtkWidget *toplevel;

  GTK_WIDGET_CLASS (cd_wizard_parent_class)->map (widget);
  /* Enter in any field presses Next. */
  gtk_widget_grab_default (GTK_WIDGET (self->next_button));
  /* Shown with the focus nowhere (a new window) or left in a view now hidden: the step's first field takes it.
   * Where the clerk has put it (the sidebar, say) it stays. */
  cd_page_focus_if_lost (self->pages[self->current]);
  toplevel = gtk_widget_get_toplevel (widget);
  if (GTK_IS_WINDOW (toplevel))
    {
      self->watched = GTK_WINDOW (toplevel);
      g_signal_connect_object (toplevel, "set-focus", G_CALLBACK (cd_wizard_on_window_set_focus_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (toplevel, "key-press-event", G_CALLBACK (cd_wizard_on_window_key_press_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
cd_wizard_unmap (GtkWidget *widget)
{
  CdWizard *self = CD_WIZARD (widget);

  if (self->watched)
    {
      g_signal_handlers_disconnect_by_func (self->watched, cd_wizard_on_window_set_focus_cb, self);
      g_signal_handlers_disconnect_by_func (self->watched, cd_wizard_on_window_key_press_cb, self);
    }
  self->watched = NULL;
  g_clear_handle_id (&self->refocus_id, g_source_remove);
  GTK_WIDGET_CLASS (cd_wizard_parent_class)->unmap (widget);
}

static void
cd_wizard_constructed (GObject *object)
{
  CdWizard *self = CD_WIZARD (object);

  G_OBJECT_CLASS (cd_wizard_parent_class)->constructed (object);

  self->draft = cd_draft_new (self->ctx);
  g_signal_connect_object (self->draft, "changed", G_CALLBACK (on_draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "loaded", G_CALLBACK (on_draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "save-failed", G_CALLBACK (on_draft_save_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "notify::state", G_CALLBACK (on_draft_notify_state_cb), self,
                           G_CONNECT_SWAPPED);

  self->steps = cd_wizard_steps (&self->n_steps);
  self->pages = g_new0 (GtkWidget *, self->n_steps);
  self->page_focus = g_new0 (GWeakRef, self->n_steps);
  self->rows = g_new0 (GtkWidget *, self->n_steps);
  self->row_labels = g_new0 (GtkLabel *, self->n_steps);
  for (guint i = 0; i < self->n_steps; i++)
    {
      const CdWizardStep *s = &self->steps[i];
      GtkWidget *page, *row, *label;
      g_autofree char *name = g_strdup_printf ("step_%s", s->id);

      if (s->page_type)
        page = g_object_new (s->page_type (), "context", self->ctx, NULL);
      else
        page = GTK_WIDGET (cd_placeholder_page_new (self->ctx, _(s->title), _(s->provider)));
      gtk_widget_set_name (page, s->id);
      /* A page is a scrolled window, focusable by default: it would take the focus itself when its fields are
       * not built yet, and every state change of so large a subtree restyles all of it. Its fields take it. */
      gtk_widget_set_can_focus (page, FALSE);
      gtk_widget_show (page);
      gtk_stack_add_named (self->page_stack, page, s->id);
      cd_wizard_page_set_draft (CD_WIZARD_PAGE (page), self->draft);
      g_signal_connect_object (page, "notify::complete", G_CALLBACK (on_page_notify_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (page, "notify::reason", G_CALLBACK (on_page_notify_cb), self, G_CONNECT_SWAPPED);
      self->pages[i] = page;

      label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 16);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 10);
      gtk_widget_set_margin_bottom (label, 10);
      row = gtk_list_box_row_new ();
      gtk_widget_set_name (row, name);
      gtk_container_add (GTK_CONTAINER (row), label);
      gtk_widget_show_all (row);
      gtk_list_box_insert (self->step_list, row, -1);
      self->rows[i] = row;
      self->row_labels[i] = GTK_LABEL (label);
    }
  show_step (self, 0);
}

static void
cd_wizard_dispose (GObject *object)
{
  CdWizard *self = CD_WIZARD (object);

  g_clear_handle_id (&self->refocus_id, g_source_remove);
  if (self->draft)
    cd_wizard_flush (self);
  g_clear_object (&self->draft);
  G_OBJECT_CLASS (cd_wizard_parent_class)->dispose (object);
}

static void
cd_wizard_finalize (GObject *object)
{
  CdWizard *self = CD_WIZARD (object);

  for (guint i = 0; i < self->n_steps; i++)
    g_weak_ref_clear (&self->page_focus[i]);
  g_free (self->page_focus);
  g_free (self->pages);
  g_free (self->rows);
  g_free (self->row_labels);
  g_free (self->error_text);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_wizard_parent_class)->finalize (object);
}

static void
cd_wizard_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CdWizard *self = CD_WIZARD (object);

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
cd_wizard_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CdWizard *self = CD_WIZARD (object);

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
cd_wizard_class_init (CdWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cd_wizard_constructed;
  object_class->dispose = cd_wizard_dispose;
  object_class->finalize = cd_wizard_finalize;
  object_class->set_property = cd_wizard_set_property;
  object_class->get_property = cd_wizard_get_property;
  widget_class->key_press_event = cd_wizard_key_press_event;
  widget_class->map = cd_wizard_map;
  widget_class->unmap = cd_wizard_unmap;

  props[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, CdWizard, step_list);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, title_label);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, page_stack);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, reason_label);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, saved_label);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, park_button);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, new_button);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, resume_bar);
  gtk_widget_class_bind_template_child (widget_class, CdWizard, resume_label);
  gtk_widget_class_bind_template_callback (widget_class, on_step_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_park_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_new_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_resume_response_cb);
}

static void
cd_wizard_init (CdWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CdWizard *
cd_wizard_new (CdContext *ctx)
{
  return g_object_new (CD_TYPE_WIZARD, "context", ctx, NULL);
}

static void
replace_draft (CdWizard *self, CdDraft *draft)
{
  if (self->draft)
    cd_wizard_flush (self);
  g_signal_handlers_disconnect_by_data (self->draft, self);
  g_set_object (&self->draft, draft);
  g_signal_connect_object (self->draft, "changed", G_CALLBACK (on_draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "loaded", G_CALLBACK (on_draft_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "save-failed", G_CALLBACK (on_draft_save_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->draft, "notify::state", G_CALLBACK (on_draft_notify_state_cb), self,
                           G_CONNECT_SWAPPED);
  for (guint i = 0; i < self->n_steps; i++)
    cd_wizard_page_set_draft (CD_WIZARD_PAGE (self->pages[i]), self->draft);
}

void
cd_wizard_start_new (CdWizard *self)
{
  g_autoptr(CdDraft) draft = cd_draft_new (self->ctx);

  replace_draft (self, draft);
  cd_wizard_forget_focus (self);
  show_step (self, 0);
}

gboolean
cd_wizard_open (CdWizard *self, gint64 id, GError **error)
{
  g_autoptr(CdDraft) draft = cd_draft_new (self->ctx);
  guint target;

  if (!cd_draft_load (draft, id, error))
    return FALSE;
  replace_draft (self, draft);
  cd_wizard_forget_focus (self);
  /* The first unfinished step: once paid the state says which (the step saved with a draft stops at the fee). */
  target = find_step (self, cd_wizard_step_to_resume (cd_draft_get_app (draft)->business, cd_draft_get_state (draft),
                                                      cd_draft_get_step (draft)));
  /* A step that is no longer reachable (e.g. a material was unticked elsewhere) falls back to the first
   * incomplete one. */
  while (target > 0 && (!step_visible (self, target) || !step_reachable (self, target)))
    target--;
  show_step (self, target);
  return TRUE;
}

CdDraft *
cd_wizard_get_draft (CdWizard *self)
{
  return self->draft;
}

const char *
cd_wizard_get_current_step (CdWizard *self)
{
  return self->steps[self->current].id;
}

GtkWidget *
cd_wizard_get_page (CdWizard *self, const char *step)
{
  return self->pages[find_step (self, step)];
}

/* The changes of an application whose day is signed off are saved only as a supervisor's adjustment. */
static gboolean
flush_as_adjustment (CdContext *ctx, gpointer user_data, GError **error)
{
  return cd_draft_flush (CD_DRAFT (user_data), error);
}

static void
on_adjusted_cb (CdWizard *self)
{
  cd_wizard_next (self);
}

static void
ask_adjustment (CdWizard *self, const GError *refusal)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *prompt;

  cd_wizard_set_error (self, cd_gui_error_text (refusal));
  prompt = cd_adjustment_prompt (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, self->ctx,
                                 refusal->message, _("Save the changes to this application"),
                                 flush_as_adjustment, g_object_ref (self->draft), g_object_unref);
  g_signal_connect_object (prompt, "authorized", G_CALLBACK (on_adjusted_cb), self, G_CONNECT_SWAPPED);
}

gboolean
cd_wizard_next (CdWizard *self)
{
  g_autoptr(GError) error = NULL;
  CdWizardPage *page = CD_WIZARD_PAGE (self->pages[self->current]);

  if (g_str_equal (self->steps[self->current].id, "done"))
    {
      cd_wizard_start_new (self);
      return TRUE;
    }
  if (!cd_wizard_page_get_complete (page) || !gtk_widget_is_sensitive (GTK_WIDGET (self->next_button)))
    return FALSE;
  if (!cd_draft_flush (self->draft, &error))
    {
      if (cd_adjustment_is_refusal (error))
        ask_adjustment (self, error);
      else
        cd_wizard_set_error (self, cd_gui_error_text (error));
      return FALSE;
    }
  if (!cd_wizard_page_leave (page, &error))
    {
      cd_wizard_set_error (self, cd_gui_error_text (error));
      return FALSE;
    }
  for (guint i = self->current + 1; i < self->n_steps; i++)
    if (step_visible (self, i))
      {
        show_step (self, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
cd_wizard_back (CdWizard *self)
{
  if (g_str_equal (self->steps[self->current].id, "done"))
    return FALSE;
  for (guint i = self->current; i-- > 0;)
    if (step_visible (self, i))
      {
        show_step (self, i);
        return TRUE;
      }
  return FALSE;
}

void
cd_wizard_flush (CdWizard *self)
{
  g_autoptr(GError) error = NULL;

  if (self->draft && !cd_draft_flush (self->draft, &error))
    g_warning ("Saving draft failed: %s", error->message);
}
