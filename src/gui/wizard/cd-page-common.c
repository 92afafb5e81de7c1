/* cd-page-common.c: shared wizard page boilerplate. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-gui-util.h"
#include "cd-page-common.h"

void
cd_page_class_install (GObjectClass *klass)
{
  g_object_class_install_property (klass, CD_PAGE_PROP_CONTEXT,
    g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  cd_wizard_page_install_properties (klass, CD_PAGE_PROP_COMPLETE, CD_PAGE_PROP_REASON);
}

void
cd_page_take_draft (gpointer self, CdDraft **field, CdDraft *draft, GCallback on_loaded)
{
  if (*field)
    g_signal_handlers_disconnect_by_data (*field, self);
  g_set_object (field, draft);
  if (draft && on_loaded)
    g_signal_connect_object (draft, "loaded", on_loaded, self, G_CONNECT_SWAPPED);
}

gboolean
cd_page_hidden_in_stack (gpointer page)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (page));

  return GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != GTK_WIDGET (page);
}

/* Hidden pages waiting to catch up with a reload of the draft, one per main-loop turn. */
static GQueue catch_up = G_QUEUE_INIT;
static guint catch_up_id;

static gboolean
on_catch_up_idle_cb (gpointer data)
{
  GtkWidget *page = g_queue_pop_head (&catch_up);

  /* entered meanwhile (enter() loaded it), or taken out of the wizard: nothing to do */
  if (page && cd_page_hidden_in_stack (page) && !gtk_widget_in_destruction (page))
    ((void (*) (gpointer)) g_object_get_data (G_OBJECT (page), "cd-page-on-loaded")) (page);
  g_clear_object (&page);
  if (g_queue_is_empty (&catch_up))
    {
      catch_up_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_loaded_when_shown_cb (CdDraft *draft, gpointer self)
{
  void (*on_loaded) (gpointer) = g_object_get_data (G_OBJECT (self), "cd-page-on-loaded");

  /* A page not on screen catches up afterwards, a page per main-loop turn below the redraw's priority: reloading
   * every step at once would restyle and lay out the hidden pages in the frame of the step on screen (the
   * payment makes every earlier step read-only: whole pages made insensitive). Its enter() loads it too. */
  if (cd_page_hidden_in_stack (self))
    {
      if (!g_queue_find (&catch_up, self))
        g_queue_push_tail (&catch_up, g_object_ref (self));
      if (!catch_up_id)
        catch_up_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_catch_up_idle_cb, NULL, NULL);
      return;
    }
  on_loaded (self);
}

void
cd_page_take_draft_when_shown (gpointer self, CdDraft **field, CdDraft *draft, GCallback on_loaded)
{
  cd_page_take_draft (self, field, draft, NULL);
  g_object_set_data (G_OBJECT (self), "cd-page-on-loaded", (gpointer) on_loaded);
  if (draft)
    g_signal_connect_object (draft, "loaded", G_CALLBACK (on_loaded_when_shown_cb), self, 0);
}

void
cd_page_focus_if_lost (gpointer page)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (page));
  GtkWidget *focus;

  if (!gtk_widget_get_mapped (GTK_WIDGET (page)) || !GTK_IS_WINDOW (toplevel))
    return;
  focus = gtk_window_get_focus (GTK_WINDOW (toplevel));
  if (focus == NULL || !gtk_widget_is_drawable (focus))
    cd_gui_focus_first (GTK_WIDGET (page));
}
