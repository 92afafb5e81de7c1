/* cd-wizard-focus.c: the keyboard focus across the wizard's steps: each page's field remembered on leaving and
 * given back on return, a field that went away replaced once the page settles, Ctrl+S and Ctrl+N anywhere. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-wizard-private.h"

/* Leaving page @i: its field with the focus is remembered, and the focus taken off it, so that it does not
 * stay where the keyboard would work on what cannot be seen (GtkStack would move it by itself, to a field
 * picked by a screen position the new page does not have yet). */
void
cd_wizard_leave_focus (CdWizard *self, guint i)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *focus = GTK_IS_WINDOW (toplevel) ? gtk_window_get_focus (GTK_WINDOW (toplevel)) : NULL;

  if (focus && gtk_widget_is_ancestor (focus, self->pages[i]))
    {
      g_weak_ref_set (&self->page_focus[i], focus);
      gtk_window_set_focus (GTK_WINDOW (toplevel), NULL);
    }
}

/* Entering page @i: back to the field the clerk left it from, or its first. A page whose fields come a frame
 * later focuses them itself then (cd_page_focus_if_lost). */
void
cd_wizard_focus_page (CdWizard *self, guint i)
{
  g_autoptr(GtkWidget) last = g_weak_ref_get (&self->page_focus[i]);

  if (!gtk_widget_is_toplevel (gtk_widget_get_toplevel (GTK_WIDGET (self))))
    return;   /* not in a window yet: cd_wizard_map() does it */
  if (last && gtk_widget_is_ancestor (last, self->pages[i]) && gtk_widget_is_drawable (last)
      && gtk_widget_is_sensitive (last))
    gtk_widget_grab_focus (last);
  else
    cd_gui_focus_first (self->pages[i]);
}

/* Another application: every page starts again at its first field. */
void
cd_wizard_forget_focus (CdWizard *self)
{
  for (guint i = 0; i < self->n_steps; i++)
    g_weak_ref_set (&self->page_focus[i], NULL);
}

static gboolean
on_refocus_idle_cb (gpointer data)
{
  CdWizard *self = data;

  self->refocus_id = 0;
  if (!self->watched || gtk_window_get_focus (self->watched))
    return G_SOURCE_REMOVE;
  cd_page_focus_if_lost (self->pages[self->current]);
  /* nothing on the page to work on (its work under way, or done): Enter goes on */
  if (!gtk_window_get_focus (self->watched) && gtk_widget_is_sensitive (GTK_WIDGET (self->next_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
  return G_SOURCE_REMOVE;
}

/* The focused field went away (a view of the page replaced by another, a button hidden or made insensitive
 * while its work runs): the keyboard would work on nothing. Once the page has settled, and again whenever the
 * step changes state, its first field takes the focus (or Next, when it has none). */
void
cd_wizard_queue_refocus (CdWizard *self)
{
  if (self->watched && !gtk_window_get_focus (self->watched) && !self->refocus_id)
    self->refocus_id = g_idle_add (on_refocus_idle_cb, self);
}

/* Ctrl+S (park) and Ctrl+N (next applicant) wherever the focus is, even nowhere, while the wizard is shown. */
gboolean
cd_wizard_on_window_key_press_cb (CdWizard *self, GdkEventKey *event)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (mods != GDK_CONTROL_MASK)
    return FALSE;
  if (event->keyval == GDK_KEY_s || event->keyval == GDK_KEY_S)
    return cd_wizard_park (self), TRUE;
  if (event->keyval == GDK_KEY_n || event->keyval == GDK_KEY_N)
    return cd_wizard_next_applicant (self), TRUE;
  return FALSE;
}

void
cd_wizard_on_window_set_focus_cb (CdWizard *self, GtkWidget *focus)
{
  if (focus == NULL)
    cd_wizard_queue_refocus (self);
}
