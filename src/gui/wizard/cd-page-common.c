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
