/* bench-bare-window.c: the peer of the cold-start benchmark: a bare GtkWindow, shown, quit after its first frame. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtk/gtk.h>

static gboolean
on_draw_cb (GtkWidget *widget, cairo_t *cr, gpointer data)
{
  g_idle_add_full (G_PRIORITY_HIGH, (GSourceFunc) gtk_main_quit, NULL, NULL);
  return FALSE;
}

int
main (int argc, char *argv[])
{
  GtkWidget *win;

  gtk_init (&argc, &argv);
  win = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size (GTK_WINDOW (win), 520, 400);
  g_signal_connect_after (win, "draw", G_CALLBACK (on_draw_cb), NULL);
  gtk_widget_show (win);
  gtk_main ();
  return 0;
}
